/** Placeholder shell until the UI lands: shows whether the local Worker answers. */
const workerUrl = import.meta.env.VITE_WORKER_URL ?? 'http://127.0.0.1:8787';
const status = document.querySelector('#worker-status');

fetch(`${workerUrl}/api/health`)
  .then((response) => {
    if (status) status.textContent = response.ok ? `Worker is running at ${workerUrl}.` : `Worker answered ${response.status}.`;
  })
  .catch(() => {
    if (status) status.textContent = `Worker is not reachable at ${workerUrl}.`;
  });
