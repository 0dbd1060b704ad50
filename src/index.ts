import { app } from '@azure/functions';

// Entry point Azure loads (package.json "main"). Function registrations live in src/functions/ and are imported here.
app.setup({ enableHttpStream: true });
