// Registers the bundled backends with the engine. The engine picks the highest-priority
// one that starts: a GPU backend, when bundled, registers with a higher priority than the CPU.
import '@tessera/cpu-backend';
