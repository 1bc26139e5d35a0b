import type { NodeType } from '../pg-ast.ts';
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

const alter: readonly NodeType[] = ['AlterTableStmt'];
const drop: readonly NodeType[] = ['DropStmt'];

/**
 * The statement types each rule's check can hit (read off the check: it returns nothing for any
 * other type), so a statement meets only the rules that may claim it; a rule not listed here sees
 * every statement. rules.test.ts checks that the filter changes no hit.
 */
export const ruleStatementTypes: ReadonlyMap<Rule, readonly NodeType[]> = new Map<Rule, readonly NodeType[]>([
  [dropColumnRule, alter],
  [dropTableRule, drop],
  [dropViewRule, drop],
  [dropRoutineRule, drop],
  [dropTypeRule, drop],
  [dropSequenceRule, drop],
  [dropSchemaRule, drop],
  [renameColumnRule, ['RenameStmt']],
  [renameRelationRule, ['RenameStmt']],
  [setSchemaRule, ['AlterObjectSchemaStmt']],
  [setNotNullRule, ['AlterTableStmt', 'AlterDomainStmt']],
  [addRequiredColumnRule, alter],
  [alterColumnTypeRule, alter],
  [truncateRule, ['TruncateStmt']],
  [renameEnumValueRule, ['AlterEnumStmt']],
  [backfillRule, ['UpdateStmt', 'DeleteStmt', 'MergeStmt']],
  [addCheckRule, ['AlterTableStmt', 'AlterDomainStmt']],
  [addForeignKeyRule, alter],
  [addUniqueRule, alter],
  [uniqueIndexRule, ['IndexStmt']],
  [dropDefaultRule, alter],
  [replaceFunctionRule, ['CreateFunctionStmt']],
  [replaceViewRule, ['ViewStmt']],
  [triggerRule, ['CreateTrigStmt', 'DropStmt', 'AlterTableStmt']],
  [dropConstraintRule, ['AlterTableStmt', 'DropStmt']],
  [renameConstraintRule, ['RenameStmt']],
  [insertRowsRule, ['InsertStmt', 'CopyStmt']],
  [callFunctionRule, ['SelectStmt', 'CallStmt']],
  [dropNotNullRule, ['AlterTableStmt', 'AlterDomainStmt']],
  [accessChangeRule, ['GrantStmt', 'GrantRoleStmt', 'CreatePolicyStmt', 'AlterPolicyStmt', 'AlterTableStmt', 'AlterOwnerStmt']],
]);

const addConstraint: readonly string[] = ['AT_AddConstraint', 'AT_AddIndexConstraint'];

/**
 * On an ALTER TABLE, the sub-command types (`AlterTableCmd.subtype`) each rule's check can hit
 * (read off the check: on an AlterTableStmt it looks only at sub-commands of these types), so an
 * ALTER meets only the rules for the sub-commands it has; a rule not listed here sees every ALTER
 * its statement types let through. rules.test.ts checks that the filter changes no hit.
 */
export const ruleAlterSubtypes: ReadonlyMap<Rule, readonly string[]> = new Map<Rule, readonly string[]>([
  [dropColumnRule, ['AT_DropColumn']],
  [setNotNullRule, ['AT_SetNotNull', 'AT_AddConstraint']],
  [addRequiredColumnRule, ['AT_AddColumn']],
  [alterColumnTypeRule, ['AT_AlterColumnType']],
  [addCheckRule, addConstraint],
  [addForeignKeyRule, addConstraint],
  [addUniqueRule, addConstraint],
  [dropDefaultRule, ['AT_ColumnDefault', 'AT_DropIdentity']],
  [triggerRule, ['AT_EnableTrig', 'AT_EnableAlwaysTrig', 'AT_EnableReplicaTrig', 'AT_DisableTrig', 'AT_EnableTrigAll', 'AT_DisableTrigAll', 'AT_EnableTrigUser', 'AT_DisableTrigUser']],
  [dropConstraintRule, ['AT_DropConstraint']],
  [dropNotNullRule, ['AT_DropNotNull']],
  [accessChangeRule, ['AT_EnableRowSecurity', 'AT_ForceRowSecurity', 'AT_ChangeOwner']],
]);
