# Tutorial (g): the two-input 2-D toy problem. Points in [-1, 1]^2 are labelled 1
# above the curve y = sin(pi x) / 2; three sigmoid Dense layers (100, 100, 1) learn it with mean
# squared error and sgd, then predict is thresholded at 0.5.
import numpy as np
from keras.layers import Dense
from keras.models import Sequential
from keras.optimizers import SGD


def make_data(n, seed):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=(n, 2)).astype('float32')
    a, b = x[:, 0], x[:, 1]
    y = (b > 0.5 * np.sin(np.pi * a)).astype('float32').reshape(n, 1)
    return x, y


train_x, train_y = make_data(1000, 1)
test_x, test_y = make_data(200, 2)

model = Sequential([
    Dense(100, activation='sigmoid', input_dim=2),
    Dense(100, activation='sigmoid'),
    Dense(1, activation='sigmoid'),
])
model.compile(optimizer=SGD(learning_rate=0.5), loss='mean_squared_error')
model.fit(train_x, train_y, epochs=100, batch_size=32, verbose=0)

predictions = model.predict(test_x)
accuracy = np.mean(((predictions > 0.5).astype('float32') == test_y).astype('float32'))
print('Thresholded at 0.5, test accuracy: %.4f' % accuracy)
