# CNN tutorial (a): two Conv2D(32, 5x5, relu), MaxPooling2D(2), Flatten, Dense(128, relu),
# Dense(10, softmax), Adadelta, 10 epochs.
from keras.layers import Conv2D, Dense, Flatten, MaxPooling2D
from keras.models import Sequential
from keras.optimizers import Adadelta
from mnist_images import load_mnist_images

x_train, y_train, x_test, y_test = load_mnist_images()

model = Sequential()
model.add(Conv2D(32, kernel_size=(5, 5), activation='relu', input_shape=(28, 28, 1)))
model.add(Conv2D(32, (5, 5), activation='relu'))
model.add(MaxPooling2D(pool_size=(2, 2)))
model.add(Flatten())
model.add(Dense(128, activation='relu'))
model.add(Dense(10, activation='softmax'))
model.summary()

# Keras 1/2's Adadelta defaulted to lr=1.0; Keras 3's to learning_rate=0.001.
model.compile(loss='categorical_crossentropy', optimizer=Adadelta(learning_rate=1.0), metrics=['accuracy'])
model.fit(x_train, y_train, batch_size=128, epochs=10, verbose=1, validation_data=(x_test, y_test))
score = model.evaluate(x_test, y_test, verbose=0)
print('Test loss:', score[0])
print('Test accuracy:', score[1])
