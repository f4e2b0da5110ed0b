# MNIST as the Keras CNN tutorials prepare it: [n, 28, 28, 1] floats in [0, 1], one-hot labels.
import keras
from keras.datasets import mnist


def load_mnist_images(limit=0):
    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    if limit > 0 and limit < x_train.shape[0]:
        x_train, y_train = x_train[:limit], y_train[:limit]
    x_train = x_train.reshape(x_train.shape[0], 28, 28, 1).astype('float32') / 255
    x_test = x_test.reshape(x_test.shape[0], 28, 28, 1).astype('float32') / 255
    y_train = keras.utils.to_categorical(y_train, 10)
    y_test = keras.utils.to_categorical(y_test, 10)
    return x_train, y_train, x_test, y_test
