// The browser entry (webpack's default entry is src/index.js). The result goes to the page
// title and the console, where the test reads it.
import { trainMlp } from './mlp.js';

trainMlp().then(
  (result) => {
    console.log(`TESSERA_RESULT ${JSON.stringify(result)}`);
    document.title = `done ${JSON.stringify(result)}`;
  },
  (error) => {
    console.error(error);
    document.title = `error ${error && error.stack ? error.stack : error}`;
  },
);
