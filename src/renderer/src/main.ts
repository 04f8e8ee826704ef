import { createApp } from 'vue';
import App from './App.vue';
import { connectApi } from './api/connect';
import { ProjectDb } from './db';
import { createWorkstation, WORKSTATION } from './workstation/store';

void connectApi().then((api) => {
  const ws = createWorkstation(api, new ProjectDb());
  createApp(App).provide(WORKSTATION, ws).mount('#app');
});
