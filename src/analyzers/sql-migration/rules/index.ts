import type { Rule } from '../rule.ts';
import { accessChangeRule } from './access-change-rule.ts';
import { addCheckRule } from './add-check-rule.ts';
import { addForeignKeyRule } from './add-foreign-key-rule.ts';
import { addRequiredColumnRule } from './add-required-column-rule.ts';
import { addUniqueRule } from './add-unique-rule.ts';
import { additiveChangeRule } from './additive-change-rule.ts';
import { alterColumnTypeRule } from './alter-column-type-rule.ts';
import { backfillRule } from './backfill-rule.ts';
import { callFunctionRule } from './call-function-rule.ts';
import { dropColumnRule } from './drop-column-rule.ts';
import { dropConstraintRule } from './drop-constraint-rule.ts';
import { dropDefaultRule } from './drop-default-rule.ts';
import { dropNotNullRule } from './drop-not-null-rule.ts';
import { dropRoutineRule } from './drop-routine-rule.ts';
import { dropSchemaRule } from './drop-schema-rule.ts';
import { dropSequenceRule } from './drop-sequence-rule.ts';
import { dropTableRule } from './drop-table-rule.ts';
import { dropTypeRule } from './drop-type-rule.ts';
import { dropViewRule } from './drop-view-rule.ts';
import { insertRowsRule } from './insert-rows-rule.ts';
import { renameColumnRule } from './rename-column-rule.ts';
import { renameConstraintRule } from './rename-constraint-rule.ts';
import { renameEnumValueRule } from './rename-enum-value-rule.ts';
import { renameRelationRule } from './rename-relation-rule.ts';
import { replaceFunctionRule } from './replace-function-rule.ts';
import { replaceViewRule } from './replace-view-rule.ts';
import { setNotNullRule } from './set-not-null-rule.ts';
import { setSchemaRule } from './set-schema-rule.ts';
import { triggerRule } from './trigger-rule.ts';
import { truncateRule } from './truncate-rule.ts';
import { uniqueIndexRule } from './unique-index-rule.ts';

/** Every statement rule, in id order. Engine-raised findings (RW0xx, RW210, RW299, RW3xx) are in engine-findings.ts. */
export const statementRules: readonly Rule[] = [
  dropColumnRule,
  dropTableRule,
  dropViewRule,
  dropRoutineRule,
  dropTypeRule,
  dropSequenceRule,
  dropSchemaRule,
  renameColumnRule,
  renameRelationRule,
  setSchemaRule,
  setNotNullRule,
  addRequiredColumnRule,
  alterColumnTypeRule,
  truncateRule,
  renameEnumValueRule,
  backfillRule,
  addCheckRule,
  addForeignKeyRule,
  addUniqueRule,
  uniqueIndexRule,
  dropDefaultRule,
  replaceFunctionRule,
  replaceViewRule,
  triggerRule,
  dropConstraintRule,
  accessChangeRule,
  renameConstraintRule,
  insertRowsRule,
  callFunctionRule,
  dropNotNullRule,
  additiveChangeRule,
];
