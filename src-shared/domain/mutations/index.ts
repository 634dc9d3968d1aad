import { activityCreate, activitySetStatus, activityUpdate } from './activities';
import { automationSave } from './automations';
import type { MutationDef } from './framework';
import {
  reportAddAttachment,
  reportAddNote,
  reportAddReporter,
  reportAssign,
  reportRemoveAttachment,
  reportRemoveReporter,
  reportUnassign,
} from './report-links';
import { reportClose, reportCreate, reportReopen, reportSetStatus, reportUpdate } from './report-core';
import { reportMailFollowUp, reportMailNotice, reportMarkReplySeen, reportReceiveMail } from './mail';
import { reportLogReply } from './mailout';
import { reportMerge, reportUnmerge } from './merge';
import { addressBookSave, reportForward, userSetNotifications } from './suppliers';
import { categorySave, groupSave, outcomeSave, reporterSave, userSave } from './settings';

export * from './framework';

/** Every mutation by name: the outbox and the sync server refer to them by these names. */
export const MUTATIONS = {
  'report.create': reportCreate,
  'report.update': reportUpdate,
  'report.setStatus': reportSetStatus,
  'report.close': reportClose,
  'report.reopen': reportReopen,
  'report.assign': reportAssign,
  'report.unassign': reportUnassign,
  'report.addNote': reportAddNote,
  'report.addAttachment': reportAddAttachment,
  'report.removeAttachment': reportRemoveAttachment,
  'report.addReporter': reportAddReporter,
  'report.removeReporter': reportRemoveReporter,
  'reporter.save': reporterSave,
  'category.save': categorySave,
  'outcome.save': outcomeSave,
  'user.save': userSave,
  'group.save': groupSave,
  'automation.save': automationSave,
  'report.receiveMail': reportReceiveMail,
  'report.mailFollowUp': reportMailFollowUp,
  'report.mailNotice': reportMailNotice,
  'report.markReplySeen': reportMarkReplySeen,
  'report.logReply': reportLogReply,
  'report.merge': reportMerge,
  'report.unmerge': reportUnmerge,
  'addressBook.save': addressBookSave,
  'report.forward': reportForward,
  'user.setNotifications': userSetNotifications,
  'activity.create': activityCreate,
  'activity.update': activityUpdate,
  'activity.setStatus': activitySetStatus,
} as const satisfies Record<string, MutationDef>;

export type MutationName = keyof typeof MUTATIONS;
export const MUTATION_NAMES = Object.keys(MUTATIONS) as MutationName[];
