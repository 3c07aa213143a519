import { bootstrapApplication } from '@angular/platform-browser';
import { appConfig } from './app/app.config';
import { App } from './app/app';

// In a task of its own: evaluating the bundle and starting the app are two
// shorter tasks instead of one long one that blocks a phone's input.
setTimeout(() => bootstrapApplication(App, appConfig).catch((err) => console.error(err)));
