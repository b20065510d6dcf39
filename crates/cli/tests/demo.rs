//! `toolgate demo` from the outside: the commands it prints for the operator to try work
//! after it ends.

use std::process::Command;

use toolgate_testkit::example_server_path;

const TOOLGATE: &str = env!("CARGO_BIN_EXE_toolgate");

#[test]
fn the_audit_commands_the_demo_prints_work_afterwards() {
    let out = Command::new(TOOLGATE)
        .arg("demo")
        .arg("--server")
        .arg(example_server_path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let audit = stdout
        .lines()
        .find_map(|l| l.strip_prefix("$ toolgate audit verify "))
        .unwrap_or_else(|| panic!("no audit verify command in:\n{stdout}"))
        .to_owned();
    let dir = std::path::Path::new(&audit).parent().unwrap().to_owned();
    assert!(
        stdout.contains(&format!("kept in {}", dir.display())),
        "{stdout}"
    );
    let verify = Command::new(TOOLGATE)
        .args(["audit", "verify", &audit])
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        verify.status.success(),
        "{}{}",
        String::from_utf8_lossy(&verify.stdout),
        String::from_utf8_lossy(&verify.stderr)
    );
}
