// Small bar charts drawn on the server as SVG: no client library, nothing to load. Each chart is
// an image with a title and a description that reads out the figures (what a screen reader says),
// and the bars carry their own <title> for a pointer's tooltip.

export interface Bar {
	/** What the bar is for ("14:00", "2026-12-01"). */
	label: string;
	value: number;
}

const WIDTH = 480;
const HEIGHT = 160;
const AXIS = 18;

export function BarChart(props: { id: string; title: string; bars: Bar[]; format: (n: number) => string }) {
	const max = Math.max(1, ...props.bars.map((b) => b.value));
	const step = WIDTH / Math.max(1, props.bars.length);
	const barWidth = Math.max(1, step * 0.75);
	const total = props.bars.reduce((sum, b) => sum + b.value, 0);
	const peak = props.bars.reduce<Bar | null>((best, b) => (best === null || b.value > best.value ? b : best), null);
	const description =
		`${props.bars.length} bars, ${props.format(total)} in all` +
		(peak && peak.value > 0 ? `; the most, ${props.format(peak.value)}, at ${peak.label}.` : "; none yet.");
	// A label under every few bars so they never overlap.
	const every = Math.max(1, Math.ceil(props.bars.length / 8));
	return (
		<figure>
			<svg
				viewBox={`0 0 ${WIDTH} ${HEIGHT + AXIS}`}
				role="img"
				aria-labelledby={`${props.id}-title ${props.id}-desc`}
				xmlns="http://www.w3.org/2000/svg"
			>
				<title id={`${props.id}-title`}>{props.title}</title>
				<desc id={`${props.id}-desc`}>{description}</desc>
				<line x1="0" y1={HEIGHT} x2={WIDTH} y2={HEIGHT} stroke="#888" stroke-width="1" />
				{props.bars.map((b, i) => {
					const h = Math.round((b.value / max) * (HEIGHT - 4));
					return (
						<rect x={(i * step).toFixed(1)} y={HEIGHT - h} width={barWidth.toFixed(1)} height={h} fill="#0b57d0">
							<title>{`${b.label}: ${props.format(b.value)}`}</title>
						</rect>
					);
				})}
				{props.bars.map((b, i) =>
					i % every === 0 ? (
						<text x={(i * step).toFixed(1)} y={HEIGHT + 13} font-size="11" fill="#333">
							{b.label}
						</text>
					) : null,
				)}
			</svg>
			<figcaption>{props.title}</figcaption>
		</figure>
	);
}
