// Turns anything thrown (Error, DOMException, ErrorEvent, string) into one readable line for the user: the
// message alone, without the error's class name ("DatasetError: …"), which means nothing to a user; a message
// already names the file and the problem.
export function describeError(e: unknown): string {
  if (e instanceof Error) return e.message || e.name;
  if (typeof e === 'string') return e;
  if (e && typeof e === 'object' && 'message' in e && typeof e.message === 'string') return e.message;
  return String(e);
}
