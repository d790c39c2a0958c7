/** Vite's `?inline` CSS imports: the minified stylesheet as a string, for a `<style>` in the shadow root. */
declare module '*.css?inline' {
  const css: string;
  export default css;
}
