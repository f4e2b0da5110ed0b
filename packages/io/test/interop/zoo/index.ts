// Every zoo entry, in one list: each file adds the layers of one family.
import { core } from './core.js';
import { stockA } from './stock_a.js';
import { stockB } from './stock_b.js';
import { recurrent } from './recurrent.js';
import { maskedFunctional } from './masked_functional.js';
import type { ZooEntry } from './types.js';

export type { ZooEntry, ZooInput } from './types.js';

export const zoo: ZooEntry[] = [...core, ...stockA, ...stockB, ...recurrent, ...maskedFunctional];
