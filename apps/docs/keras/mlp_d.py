# Keras's MNIST MLP (512-512-512 with Dropout 0.2, RMSprop, batch 128).
import time

import matplotlib.pyplot as plt
from keras.layers import Dense, Dropout
from keras.models import Sequential
from keras.optimizers import RMSprop
from mnist_data import load_mnist_flat

batch_size = 128
epochs = 5
plot_path = 'mnist_mlp_loss.svg'

x_train, y_train, x_test, y_test = load_mnist_flat()
print(x_train.shape[0], 'train samples')
print(x_test.shape[0], 'test samples')

model = Sequential()
model.add(Dense(512, activation='relu', input_shape=(784,)))
model.add(Dropout(0.2))
model.add(Dense(512, activation='relu'))
model.add(Dropout(0.2))
model.add(Dense(512, activation='relu'))
model.add(Dropout(0.2))
model.add(Dense(10, activation='softmax'))

model.summary()

model.compile(loss='categorical_crossentropy', optimizer=RMSprop(), metrics=['accuracy'])

started = time.time()
history = model.fit(x_train, y_train, batch_size=batch_size, epochs=epochs, verbose=1, validation_data=(x_test, y_test))
score = model.evaluate(x_test, y_test, verbose=0)
print('Test loss:', score[0])
print('Test accuracy:', score[1])
print('Wall time: %.1f s for %d epochs' % (time.time() - started, len(history.epoch)))
plt.plot(history.history['loss'], label='loss')
plt.plot(history.history['val_loss'], label='val_loss', linestyle='--')
plt.title('MNIST MLP (512-512-512)')
plt.legend()
plt.savefig(plot_path)
print('Loss curves written to', plot_path)
