export { fuzz, type FuzzOptions, type FuzzReport } from './fuzz.js';
export { fuzzCase, hostileText, type FuzzCase } from './arbitraries.js';
export { FuzzSession, type Finding } from './session.js';
export { checkAnswer } from './checks.js';
export { send, type WireRequest, type WireResponse, type Framing } from './wire.js';
export { startVisorProcess, type VisorProcess } from './visor-process.js';
