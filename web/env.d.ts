/** Stylesheets imported `with { type: 'text' }` arrive as their text (esbuild's text loader). */
declare module '*.css' {
  const text: string;
  export default text;
}
