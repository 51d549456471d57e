import { runAction } from '@potions/action-common';
import { main } from './main';

await runAction(main);
