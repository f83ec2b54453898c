import { mount } from 'svelte';
import App from './App.svelte';
import { Workbench } from './state/workbench.svelte.ts';
import { workbenchContext } from './state/context.ts';
import './app.css';

const app = new Workbench();
app.start();
const target = document.getElementById('app');
if (!target) throw new Error('index.html lacks the #app element.');
mount(App, { target, context: workbenchContext(app) });
