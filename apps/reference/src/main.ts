import { createReferenceApp } from './app';

createReferenceApp().app.synth();
