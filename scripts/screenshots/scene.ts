/** A screen to photograph: set up on a fresh device, then shot at each width and colour scheme by run.ts. */
import type { Device } from '../device-lab/device.ts';

export interface SceneContext {
  device: Device;
  /** The lab's page server (the app test page is at /app/test/app-page.html on it). */
  pageUrl: string;
  workerUrl: string;
  /** Another fresh device on the same Worker, for scenes that need a second person (an invite). */
  newDevice(): Promise<Device>;
}

export interface Scene {
  /** The file name stem: `contacts-list` → `docs/screenshots/contacts-list-desktop-light.png`. */
  name: string;
  setup(context: SceneContext): Promise<void>;
}

export const VIEWPORTS = {
  phone: { width: 390, height: 844 },
  desktop: { width: 1280, height: 800 },
} as const;
