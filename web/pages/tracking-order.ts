/**
 * The order page (views/track/order.hbs), an enhancement only: hands the chat widget the session the server opened
 * and verified for this order, then loads the widget. The widget keeps its session id in sessionStorage under
 * "wismo-chat-session" and resumes whatever session it finds there (web/widget/widget.ts), so the shopper can ask
 * about the order without giving the order number and email again.
 */
const WIDGET_SESSION_KEY = 'wismo-chat-session';
const WIDGET_STATE_KEY = 'wismo-chat-state';

const sessionId = document.getElementById('order')?.dataset.chatSession;
if (sessionId) {
  try {
    if (window.sessionStorage.getItem(WIDGET_SESSION_KEY) !== sessionId) {
      window.sessionStorage.setItem(WIDGET_SESSION_KEY, sessionId);
      // Lines of an earlier, unverified conversation in this tab belong to another session.
      window.sessionStorage.removeItem(WIDGET_STATE_KEY);
    }
  } catch {
    // Storage blocked: the widget still works, it just asks for the order details.
  }
  const script = document.createElement('script');
  script.src = '/widget.js';
  script.async = true;
  document.body.appendChild(script);
}
