// The Electron main process entry (bundled to dist/electron/main.cjs; `npm start`).
import './packaged-env.js';
import * as electron from 'electron';
import { startDesktopApp } from './lifecycle.js';

if (!electron.app.requestSingleInstanceLock()) electron.app.quit();
else startDesktopApp(electron);
