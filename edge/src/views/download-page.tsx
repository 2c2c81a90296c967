import { Layout } from "./layout";

/** The page a download link opens: one button that downloads (and counts) the file. */
export function DownloadPage(props: { action: string }) {
	return (
		<Layout title="Your download">
			<h1>Your download</h1>
			<p>Each download through this link counts toward its limit.</p>
			<form method="post" action={props.action}>
				<button type="submit" data-testid="download-button">
					Download the file
				</button>
			</form>
		</Layout>
	);
}
