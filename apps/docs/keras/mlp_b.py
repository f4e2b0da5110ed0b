# Tutorial (b): Dense(500, input_dim=784, relu) - Dense(10, softmax), RMSprop, batch 256.
from keras.layers import Dense
from keras.models import Sequential
from mnist_data import load_mnist_flat

x_train, y_train, x_test, y_test = load_mnist_flat()

model = Sequential()
model.add(Dense(500, input_dim=784, activation='relu'))
model.add(Dense(10, activation='softmax'))
model.summary()

model.compile(optimizer='rmsprop', loss='categorical_crossentropy', metrics=['accuracy'])
model.fit(x_train, y_train, epochs=5, batch_size=256, verbose=1)
loss, accuracy = model.evaluate(x_test, y_test, batch_size=256, verbose=0)
print('Test loss: %.4f  Test accuracy: %.4f' % (loss, accuracy))
