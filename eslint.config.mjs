// n8n's official lint rules for community nodes, as shipped by @n8n/node-cli.
import { config } from '@n8n/node-cli/eslint';

export default config;
