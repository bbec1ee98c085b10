// Wall-clock text for the output channel and the status bar. Not `toLocaleTimeString`: its first call
// in the extension host loads the locale data (20-70 ms measured, blocking the host as Compute
// Gradients starts its first run); this costs nothing and reads the same in every locale.

/** `14:05:09`: the local time of day, 24-hour, zero-padded. */
export function clockTime(d: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}
