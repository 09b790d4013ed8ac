//! placeholder
pub struct Workspace;
pub struct WorkspaceOptions;
