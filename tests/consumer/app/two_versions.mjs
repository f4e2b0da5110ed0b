// Two versions of @tessera/tensor installed side by side (npm alias `tensor-next`, another
// version of the same package): loading both must fail with an error naming both versions.
import { getBackend } from 'tessera-ml';

console.log(`backend of the first copy: ${getBackend()}`);
try {
  await import('tensor-next');
  console.log('TESSERA_TWO_VERSIONS loaded');
} catch (e) {
  console.log(`TESSERA_TWO_VERSIONS ${e.name}: ${e.message}`);
}
