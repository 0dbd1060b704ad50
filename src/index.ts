import { app } from '@azure/functions';
import { closeAppServices, prepareAppServices } from './appServices';
import { describeError } from './http/toErrorResponse';
import './functions/dashboard';
import './functions/health';
import './functions/marketDataPipeline';
import './functions/taskApi';
import './functions/timers';

// Entry point Azure loads (package.json "main"): importing the function modules registers them.
// Streaming lets the event stream (server-sent events) reach clients as it is written instead of when it ends.
app.setup({ enableHttpStream: true });

app.hook.appStart(async () => {
  try {
    await prepareAppServices();
  } catch (error) {
    // Requests will answer 503 with the same message; say it once, loudly, at start-up too.
    console.error(`market-data-tasks cannot start: ${describeError(error)}`);
  }
});

app.hook.appTerminate(() => {
  closeAppServices();
});
