// Vite's `?raw` imports: the file's text (the HTML report inlines ECharts from such an import).
declare module '*?raw' {
  const text: string;
  export default text;
}
