# Tutorial (e): Flatten(input_shape=(28, 28)) - Dense(10, softmax), sgd,
# sparse categorical crossentropy on integer labels, batch 100.
from keras.datasets import mnist
from keras.layers import Dense, Flatten
from keras.models import Sequential

(x_train, y_train), (x_test, y_test) = mnist.load_data()
x_train = x_train / 255.0
x_test = x_test / 255.0


model = Sequential([Flatten(input_shape=(28, 28)), Dense(10, activation='softmax')])
model.summary()

model.compile(optimizer='sgd', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
model.fit(x_train, y_train, epochs=5, batch_size=100, verbose=1)
loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
print('Test loss: %.4f  Test accuracy: %.4f' % (loss, accuracy))
