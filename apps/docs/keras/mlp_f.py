# Tutorial (f): Dense(128, he_normal, relu) - Dropout(0.2) - Dense(10, softmax), Adam,
# with the lr_decay(epoch) = 0.01 * 0.6 ** epoch LearningRateScheduler.
from keras.callbacks import LearningRateScheduler
from keras.layers import Dense, Dropout
from keras.models import Sequential
from keras.optimizers import Adam
from mnist_data import load_mnist_flat

x_train, y_train, x_test, y_test = load_mnist_flat()

model = Sequential([
    Dense(128, kernel_initializer='he_normal', activation='relu', input_shape=(784,)),
    Dropout(0.2),
    Dense(10, activation='softmax'),
])
model.summary()

def lr_decay(epoch): return 0.01 * 0.6 ** epoch
model.compile(optimizer=Adam(learning_rate=0.01), loss='categorical_crossentropy', metrics=['accuracy'])
model.fit(x_train, y_train,
          epochs=5,
          batch_size=128,
          verbose=1,
          validation_data=(x_test, y_test),
          callbacks=[LearningRateScheduler(lr_decay, verbose=1)])

loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
print('Test loss: %.4f  Test accuracy: %.4f' % (loss, accuracy))
