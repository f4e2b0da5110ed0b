# CNN tutorial (c): Conv2D(32, 5, relu, input 28x28x1)-MaxPooling2D(2)-Flatten-Dense(128, relu)-
# Dropout(0.2)-Dense(10, softmax), Adam, batch 128.
import time

from keras.layers import Conv2D, Dense, Dropout, Flatten, MaxPooling2D
from keras.models import Sequential
from mnist_images import load_mnist_images

x_train, y_train, x_test, y_test = load_mnist_images()

model = Sequential([
    Conv2D(32, (5, 5), activation='relu', input_shape=(28, 28, 1)),
    MaxPooling2D(pool_size=(2, 2)),
    Flatten(),
    Dense(128, activation='relu'),
    Dropout(0.2),
    Dense(10, activation='softmax'),
])
model.summary()

model.compile(loss='categorical_crossentropy', optimizer='adam', metrics=['accuracy'])
started = time.time()
history = model.fit(x_train, y_train, validation_data=(x_test, y_test), epochs=10, batch_size=128, verbose=2)
seconds = time.time() - started
scores = model.evaluate(x_test, y_test, verbose=0)
print('CNN Error: %.2f%%  (test loss %.4f, accuracy %.4f)' % (100 - scores[1] * 100, scores[0], scores[1]))
print('%d epochs, %.1f s per epoch' % (len(history.epoch), seconds / len(history.epoch)))
