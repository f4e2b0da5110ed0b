import { Activation, Conv2D, Dense, Dropout, Flatten, MaxPooling2D, Sequential } from '@tessera/layers';

/** Keras's cifar10_cnn.py model: 1,250,858 parameters. */
export function cifar10Cnn(): Sequential {
  const model = new Sequential();
  model.add(new Conv2D({ filters: 32, kernelSize: [3, 3], padding: 'same', inputShape: [32, 32, 3] }));
  model.add(new Activation({ activation: 'relu' }));
  model.add(new Conv2D({ filters: 32, kernelSize: [3, 3] }));
  model.add(new Activation({ activation: 'relu' }));
  model.add(new MaxPooling2D({ poolSize: [2, 2] }));
  model.add(new Dropout({ rate: 0.25 }));

  model.add(new Conv2D({ filters: 64, kernelSize: [3, 3], padding: 'same' }));
  model.add(new Activation({ activation: 'relu' }));
  model.add(new Conv2D({ filters: 64, kernelSize: [3, 3] }));
  model.add(new Activation({ activation: 'relu' }));
  model.add(new MaxPooling2D({ poolSize: [2, 2] }));
  model.add(new Dropout({ rate: 0.25 }));

  model.add(new Flatten());
  model.add(new Dense({ units: 512 }));
  model.add(new Activation({ activation: 'relu' }));
  model.add(new Dropout({ rate: 0.5 }));
  model.add(new Dense({ units: 10 }));
  model.add(new Activation({ activation: 'softmax' }));
  return model;
}
