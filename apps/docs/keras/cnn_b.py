# CNN tutorial (b): Conv2D(32, 5, same, relu)-MaxPool(2)-Conv2D(64, 5, same, relu)-MaxPool(2)-
# Flatten-Dense(1024, relu)-Dense(10, softmax).
from keras.layers import Conv2D, Dense, Flatten, MaxPooling2D
from keras.models import Sequential
from mnist_images import load_mnist_images

x_train, y_train, x_test, y_test = load_mnist_images()

model = Sequential([
    Conv2D(32, 5, padding='same', activation='relu', input_shape=(28, 28, 1)),
    MaxPooling2D(pool_size=2),
    Conv2D(64, 5, padding='same', activation='relu'),
    MaxPooling2D(pool_size=2),
    Flatten(),
    Dense(1024, activation='relu'),
    Dense(10, activation='softmax'),
])
model.summary()

model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])
model.fit(x_train, y_train, batch_size=128, epochs=5, verbose=1, validation_data=(x_test, y_test))
score = model.evaluate(x_test, y_test, verbose=0)
print('Test loss:', score[0])
print('Test accuracy:', score[1])
