// The one error of parameter validation. Pure: validation knows nothing of n8n, and the node turns an
// InvalidParameter into the NodeOperationError it shows (naming the field, the model and the item).

export class InvalidParameter extends Error {
	constructor(
		/** The parameter's display name, as the user sees it in the node panel. */
		readonly field: string,
		message: string,
		/** What the user can do about it. */
		readonly hint?: string,
		/** The model the value was meant for, when a model's fields were checked. */
		readonly model?: string,
	) {
		super(message);
		this.name = 'InvalidParameter';
	}
}
