import { z } from 'zod';
import { runwayConfigSchema } from './schema.js';
console.log(JSON.stringify(z.toJSONSchema(runwayConfigSchema, { io: 'input' }), null, 1));
