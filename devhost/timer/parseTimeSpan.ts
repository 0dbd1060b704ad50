/**
 * Parses a .NET TimeSpan schedule into milliseconds: `d.hh:mm:ss[.fff]`, `hh:mm:ss` (hh < 24) or, when the first
 * number is 24 or more, `dd:hh:mm` (so "24:00:00" is 24 days, as TimeSpan.Parse reads it). Undefined if not one.
 */
export function parseTimeSpan(text: string): number | undefined {
  const withDays = /^(\d+)\.(\d{1,2}):(\d{1,2})(?::(\d{1,2})(\.\d{1,7})?)?$/.exec(text.trim());
  const plain = /^(\d{1,2}):(\d{1,2})(?::(\d{1,2})(\.\d{1,7})?)?$/.exec(text.trim());
  let days = 0;
  let hours: number;
  let minutes: number;
  let seconds = 0;
  let fraction = 0;
  if (withDays) {
    days = Number(withDays[1]);
    [hours, minutes] = [Number(withDays[2]), Number(withDays[3])];
    seconds = Number(withDays[4] ?? 0);
    fraction = Number(withDays[5] ?? 0);
  } else if (plain) {
    const first = Number(plain[1]);
    if (first >= 24 && plain[3] !== undefined && plain[4] === undefined) {
      [days, hours, minutes] = [first, Number(plain[2]), Number(plain[3])];
    } else {
      [hours, minutes] = [first, Number(plain[2])];
      seconds = Number(plain[3] ?? 0);
      fraction = Number(plain[4] ?? 0);
    }
  } else return undefined;
  if (hours > 23 || minutes > 59 || seconds > 59) return undefined;
  const ms = (((days * 24 + hours) * 60 + minutes) * 60 + seconds) * 1000 + Math.round(fraction * 1000);
  return ms > 0 ? ms : undefined;
}
