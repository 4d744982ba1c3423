import { ChatTemplates, PublishedChatReplies, PublishedChatReply } from './chat-templates';

/** A template store stand-in: the replies published at a revision, and how often the bot asked. */
class Published implements PublishedChatReplies {
  revision = '1';
  replies: PublishedChatReply[] = [];
  calls = 0;
  failing = false;

  publishedChatReplies() {
    this.calls++;
    if (this.failing) return Promise.reject(new Error('database unavailable'));
    return Promise.resolve({ revision: this.revision, replies: this.replies });
  }
}

describe('ChatTemplates with published replies', () => {
  const source = new Published();
  const templates = ChatTemplates.fromDirectory(undefined, source);
  const defaultThanks = ChatTemplates.fromDirectory().render('en', 'thanks');

  beforeEach(() => {
    source.revision = String(Number(source.revision) + 1);
    source.replies = [];
    source.failing = false;
  });

  it('answers with a published reply in its language, and the default elsewhere', async () => {
    source.replies = [{ type: 'thanks', locale: 'en', body: 'Cheers! Anything else?' }];
    await templates.refresh();
    expect(templates.render('en', 'thanks')).toBe('Cheers! Anything else?');
    expect(templates.render('es', 'thanks')).not.toBe('Cheers! Anything else?');
  });

  it('renders the variables of a published reply', async () => {
    source.replies = [{ type: 'verified', locale: 'de', body: 'Bestellung {{order}} ist bestätigt.' }];
    await templates.refresh();
    expect(templates.render('de', 'verified', { order: '#1042' })).toBe('Bestellung #1042 ist bestätigt.');
  });

  it('goes back to the default when the published reply is withdrawn', async () => {
    source.replies = [{ type: 'thanks', locale: 'en', body: 'Cheers!' }];
    await templates.refresh();
    source.revision = String(Number(source.revision) + 1);
    source.replies = [];
    await templates.refresh();
    expect(templates.render('en', 'thanks')).toBe(defaultThanks);
  });

  it('keeps the default for a reply that does not parse, a key the bot lacks, or a variable it does not pass', async () => {
    source.replies = [
      { type: 'thanks', locale: 'en', body: 'Cheers {{#if}}' },
      { type: 'no_such_reply', locale: 'en', body: 'Never asked for' },
      { type: 'greeting', locale: 'en', body: 'Hi {{name}}' },
    ];
    await templates.refresh();
    expect(templates.render('en', 'thanks')).toBe(defaultThanks);
    expect(templates.render('en', 'greeting')).toBe(ChatTemplates.fromDirectory().render('en', 'greeting'));
  });

  it('keeps the replies in force when the store cannot answer', async () => {
    source.replies = [{ type: 'thanks', locale: 'en', body: 'Cheers!' }];
    await templates.refresh();
    source.failing = true;
    await templates.refresh();
    expect(templates.render('en', 'thanks')).toBe('Cheers!');
  });

  it('asks the store on every refresh but compiles only when the revision moved', async () => {
    source.replies = [{ type: 'thanks', locale: 'en', body: 'Cheers!' }];
    await templates.refresh();
    // Same revision, different replies: the bot keeps what it compiled (the store's revision is the truth).
    source.replies = [{ type: 'thanks', locale: 'en', body: 'Something else' }];
    const before = source.calls;
    await templates.refresh();
    expect(source.calls).toBe(before + 1);
    expect(templates.render('en', 'thanks')).toBe('Cheers!');
  });
});
