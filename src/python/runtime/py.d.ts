/** Python sources are bundled as text (scripts/build.mjs: loader `.py: text`). */
declare module '*.py' {
  const text: string;
  export default text;
}
