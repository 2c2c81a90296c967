/** Text for the HTML part of a mail: a name is whatever its owner typed. */
export function escapeHtml(text: string): string {
	return text.replace(
		/[&<>"']/g,
		(ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch] as string,
	);
}
