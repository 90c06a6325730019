/**
 * The tags portplan writes on every security group and application security group it creates,
 * and reads back when it checks a deployed site. Tag values hold at most 256 characters on AWS
 * and Azure (https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html,
 * https://learn.microsoft.com/azure/azure-resource-manager/management/tag-resources#limitations).
 * @packageDocumentation
 */

/** The tag holding the role id of a group's hosts. */
export const ROLE_TAG = 'portplan:role';

/**
 * The tag holding the declared group's name; on a role-wide group (a role with two or more
 * groups), the role id, which no group name can be.
 */
export const GROUP_TAG = 'portplan:group';
