export { plotHistory, historyToVegaLite, type HistoryPlotOptions, type HistoryLike } from './history_plot.js';
export { plotModel, modelToDot, type ModelPlotOptions } from './model_plot.js';
export { saveHistoryPlot, saveModelPlot } from './save.js';
