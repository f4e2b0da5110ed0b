// Plain Node, CommonJS: require() of the ES module packages (Node 20.19+ require(esm)).
const { tensor, getBackend } = require('tessera-ml');
const layers = require('tessera-ml/layers');
const datasets = require('@tessera/datasets');

async function main() {
  const model = new layers.Sequential([
    new layers.Dense({ units: 8, activation: 'relu', inputShape: [2] }),
    new layers.Dense({ units: 1, activation: 'sigmoid' }),
  ]);
  model.compile({ optimizer: 'adam', loss: 'binary_crossentropy', metrics: ['accuracy'] });
  const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
  const y = tensor([[0], [1], [1], [1]]);
  const history = await model.fit(x, y, { epochs: 5, verbose: 0 });
  const losses = history.history.loss;
  console.log(`TESSERA_REQUIRE ${JSON.stringify({ backend: getBackend(), epochs: losses.length, toCategorical: typeof datasets.toCategorical })}`);
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
