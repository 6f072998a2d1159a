// The README's model table, made from the catalog, so that the README cannot drift from the node.
import {
	MODEL_IDS,
	findModel,
	CATALOG,
	type ModelField,
	type ModelSpec,
} from '../../nodes/shared/models';

const OPERATION_NAMES: Record<ModelSpec['operation'], string> = {
	textToImage: 'Text to Image',
	imageToImage: 'Image to Image',
	textToVideo: 'Text to Video',
	imageToVideo: 'Image to Video',
};

function describeField(field: ModelField): string {
	switch (field.kind) {
		case 'choice': {
			const values = field.options.map((option) => option.value).join(' ');
			const start = field.default !== undefined ? `; default ${field.default}` : '';
			return `\`${field.key}\` ${values}${start}`;
		}
		case 'count':
			return `\`${field.key}\` ${field.min}–${field.max}`;
		case 'urls':
			return field.max === undefined
				? `\`${field.key}\` 1 or more`
				: `\`${field.key}\` ${field.min}–${field.max}`;
		case 'flag':
			return `\`${field.key}\` true/false`;
	}
}

function seconds(value: number): string {
	return value < 120
		? `${value} s`
		: value < 7200
			? `${Math.round(value / 60)} min`
			: `${Math.round(value / 3600)} h`;
}

/** One row per model id: its operations, fields (source URL fields marked with their operation), price and time. */
export function modelTable(): string {
	const rows = MODEL_IDS.map((id) => {
		const specs = CATALOG.filter((spec) => spec.id === id);
		const first = findModel(id)!;
		const fields: string[] = [];
		for (const spec of specs) {
			for (const field of spec.fields) {
				const text = describeField(field);
				const marked =
					specs.length > 1 && specs.some((other) => !other.fields.some((f) => f.key === field.key))
						? `${text} (${OPERATION_NAMES[spec.operation]})`
						: text;
				if (!fields.includes(marked) && !fields.includes(text)) fields.push(marked);
			}
		}
		const [low, high] = first.timing.typicalSeconds;
		return `| ${first.name} | \`${id}\` | ${specs.map((spec) => OPERATION_NAMES[spec.operation]).join(', ')} | ${['`prompt`', ...fields].join(', ')} | ${first.price.summary} | ${seconds(low)}–${seconds(high)} |`;
	});
	return [
		'| Model | Id | Operations | Fields | Price | Usual time |',
		'| --- | --- | --- | --- | --- | --- |',
		...rows,
	].join('\n');
}
