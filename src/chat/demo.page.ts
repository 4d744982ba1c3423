/**
 * A small fake storefront at /demo that carries the widget exactly as a store would: one script tag. It shows
 * what the widget looks like on a real page and is what the browser test drives.
 */
export function demoPage(brandName: string): string {
  const brand = escapeHtml(brandName);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${brand} · Demo store</title>
<style>
  body{margin:0;font-family:Georgia,"Times New Roman",serif;color:#222;background:#faf7f2}
  header{display:flex;justify-content:space-between;align-items:center;padding:18px 28px;border-bottom:1px solid #e6dfd3;background:#fff}
  header strong{font-size:22px;letter-spacing:.5px}
  nav a{margin-left:18px;color:#222;text-decoration:none}
  .hero{padding:56px 28px;text-align:center;background:linear-gradient(135deg,#f3e7d3,#e9efe6)}
  .hero h1{font-size:38px;margin:0 0 10px}
  .grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:22px;padding:32px 28px;max-width:1000px;margin:0 auto}
  .item{background:#fff;border:1px solid #e6dfd3;border-radius:10px;padding:16px}
  .swatch{height:140px;border-radius:8px;margin-bottom:10px}
  .price{color:#7a5c2e;font-weight:bold}
  footer{padding:28px;text-align:center;color:#777;font-size:14px}
</style>
</head>
<body>
<header><strong>${brand}</strong><nav><a href="#">Shop</a><a href="#">Journal</a><a href="#">Help</a></nav></header>
<section class="hero"><h1>Made to last, shipped with care</h1><p>Questions about a delivery? Use the chat button in the corner.</p></section>
<main class="grid">
  <div class="item"><div class="swatch" style="background:#c9a27e"></div>Waxed canvas tote<div class="price">$68</div></div>
  <div class="item"><div class="swatch" style="background:#6b8f71"></div>Merino crew sweater<div class="price">$112</div></div>
  <div class="item"><div class="swatch" style="background:#3d5a80"></div>Selvedge denim jacket<div class="price">$189</div></div>
  <div class="item"><div class="swatch" style="background:#e0b1cb"></div>Linen throw<div class="price">$74</div></div>
</main>
<footer>This is a demo page for the order-help chat widget.</footer>
<script src="/widget.js" async></script>
</body>
</html>`;
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}
