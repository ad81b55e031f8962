/**
 * The inbox an address delivers to, as far as limits are concerned: lower-case, without a
 * `+tag` on the local part and without trailing dots on the domain. `hal@example.com`,
 * `HAL+1@example.com` and `hal@example.com.` are one mailbox for the code-send limit, so
 * respelling an address does not buy five more codes. Identity (accounts, look-ups) keeps
 * the address as given.
 */
export function canonicalMailbox(address: string): string {
  const email = address.trim().toLowerCase();
  const at = email.lastIndexOf('@');
  if (at < 0) return email;
  const local = email.slice(0, at).replace(/\+.*$/, '');
  const domain = email.slice(at + 1).replace(/\.+$/, '');
  return `${local}@${domain}`;
}
