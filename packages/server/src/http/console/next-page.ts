import { html, type SafeHtml } from '../web/html.js';
import { query } from './management-api.js';

/** The API's cursor pagination as a link: the same filters, the answer's `next_cursor`; nothing on the last page. */
export function nextPageLink(
  url: string,
  filters: Record<string, string | undefined>,
  cursor: string | null,
): SafeHtml {
  return cursor === null
    ? html``
    : html`<p><a href="${url}${query({ ...filters, cursor })}" rel="next">Next page</a></p>`;
}
