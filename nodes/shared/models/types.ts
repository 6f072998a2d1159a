// The shape of the model catalog: what one Max API model is, as data. A family file (gptImage2.ts,
// seedream.ts, …) declares its models with these types; the node's fields, validation, cost,
// downloads, waiting, the trigger's filter and the emulator are all derived from them.
// Pure: no n8n here.

/** The node's generation operations; each catalog model serves exactly one. */
export type GenerationOperation = 'textToImage' | 'imageToImage' | 'textToVideo' | 'imageToVideo';

export type MediaType = 'image' | 'video';

/** The keys of `input` a model field can set; the node parameter has the same name. */
export type InputKey =
	| 'imageUrls'
	| 'mediaUrls'
	| 'ratio'
	| 'resolution'
	| 'n'
	| 'duration'
	| 'mode'
	| 'fallback';

/** What the user chose, by input key, after validation: what goes into `input` (minus the prompt). */
export type ModelInput = Partial<Record<InputKey, string | number | boolean | string[]>> & {
	prompt?: string;
};

/** The option value meaning "send nothing": Max API's own default applies. */
export const NOT_SENT = 'auto';

interface FieldBase {
	key: InputKey;
	/** The label in the node panel, and the field named in errors. */
	displayName: string;
	description?: string;
}

/** One value out of a documented list (ratio, resolution, duration, mode). */
export interface ChoiceField extends FieldBase {
	kind: 'choice';
	options: ReadonlyArray<{ value: string | number; name?: string; description?: string }>;
	/**
	 * The documented default, sent when the field is left at "Default" (`NOT_SENT`). Without one,
	 * "Default" is not sent and Max API decides.
	 */
	default?: string | number;
	/** The name and description of the "Default" choice, where there is no documented default. */
	notSentName?: string;
	notSentDescription?: string;
}

/** A whole number in a documented range (n). */
export interface CountField extends FieldBase {
	kind: 'count';
	min: number;
	max: number;
	default: number;
}

/** Public URLs of source media (imageUrls, mediaUrls); required where the field is shown. */
export interface UrlListField extends FieldBase {
	kind: 'urls';
	min: number;
	/** The documented maximum count; absent where the docs give none (the API then answers). */
	max?: number;
	placeholder: string;
	/**
	 * The file types the docs list, by kind and extension; absent where the docs name none (any image
	 * is sent and the API decides). Files from binary data are checked against it before submit.
	 */
	fileTypes?: Partial<Record<'image' | 'video' | 'audio', readonly string[]>>;
}

/** A boolean the docs show but do not explain (sent only when on). */
export interface FlagField extends FieldBase {
	kind: 'flag';
}

export type ModelField = ChoiceField | CountField | UrlListField | FlagField;

/** A rule across fields that the docs state, checked before submit. */
export interface CrossFieldRule {
	/** The field named in the error. */
	field: InputKey;
	/** The error message (naming the model) when `input` breaks the rule, else undefined. */
	check(input: ModelInput): string | undefined;
	hint: string;
	/**
	 * When the panel can tell the rule is broken from the field values alone: shown as a notice there.
	 * Every listed key must have one of its values.
	 */
	panelNotice?: { when: Partial<Record<InputKey, ReadonlyArray<string | number>>>; text: string };
}

export interface PriceRule {
	/** Whether Max API publishes a price for the model (failed tasks of a priced model cost 0). */
	published: boolean;
	/** The price as the docs publish it, or why there is none (README, field descriptions). */
	summary: string;
	/** USD for a task that succeeded with this input; null where no price is published. Never a guess. */
	costUsd(input: ModelInput): number | null;
}

/** How long tasks of the model take, to wait sensibly. Not an API contract: only scheduling hints. */
export interface TimingHints {
	/** Usual submit-to-result time in seconds, low and high. */
	typicalSeconds: readonly [number, number];
	/** Where the numbers come from: the docs' words, or "not documented: our estimate". */
	source: string;
	/** Default of the node's Timeout option for this model. */
	timeoutSeconds: number;
	/** Default cap on the interval between two status queries. */
	maxPollIntervalSeconds: number;
}

export interface ModelSpec {
	/** The API's model id, sent as `model`. */
	id: string;
	/** What the user reads, e.g. "Seedream 4.5". */
	name: string;
	operation: GenerationOperation;
	media: MediaType;
	/** The fields this model takes, in panel order (the prompt comes first and is not listed). */
	fields: readonly ModelField[];
	/**
	 * A prompt length cap checked before submit, if any. Max API's docs give none; GPT Image 2's is the
	 * upstream model's own (OpenAI's gpt-image prompts stop at 32,000 characters).
	 */
	maxPromptLength?: number;
	rules?: readonly CrossFieldRule[];
	price: PriceRule;
	timing: TimingHints;
}

export interface ModelFamily {
	name: string;
	/** The docs pages this family follows (paths under docs.maxapi.io/api-reference/). */
	docs: readonly string[];
	models: readonly ModelSpec[];
}
