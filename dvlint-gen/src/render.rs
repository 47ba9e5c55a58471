//! Solution files from a model, in the layouts dvlint reads: the exported zip
//! (`solution.xml` + one `customizations.xml`), unpacked source (SolutionPackager
//! / `pac solution unpack`: `Other/`, `Entities/<table>/`, `OptionSets/`), modelled
//! on the real packages in `../shared/corpus`, and the YAML source of Dataverse
//! Git integration ([`yaml`], written from the unpacked files).

use crate::{Choice, Column, Kind, Relationship, Rng, Solution, Table};

mod xml_to_yaml;
mod yaml;

pub use yaml::yaml;

/// A file of a package: path (with `/`) and text.
pub type File = (String, String);

const XSI: &str = r#"xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance""#;
/// What pac/SolutionPackager files start with; platform exports have neither.
const PROLOGUE: &str = "\u{feff}<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";

/// The members of an exported zip, in the order the platform writes them.
pub fn export(solution: &Solution) -> Vec<File> {
    let mut x = Xml::default();
    x.open(&format!("ImportExportXml {XSI}"));
    x.open("Entities");
    for table in &solution.tables {
        x.open("Entity");
        entity_name(&mut x, table);
        entity_info(&mut x, table);
        let mut bulk = bulk_rng(solution, table);
        x.open("FormXml");
        forms(&mut x, solution, table, &mut bulk);
        x.close("FormXml");
        x.open("SavedQueries");
        x.open("savedqueries");
        for i in 0..solution.views {
            let id = own_id(solution, table, "view", i);
            view(&mut x, table, i, &id, &mut bulk);
        }
        x.close("savedqueries");
        x.close("SavedQueries");
        ribbon(&mut x, table);
        x.close("Entity");
    }
    x.close("Entities");
    for section in [
        "Roles",
        "Workflows",
        "FieldSecurityProfiles",
        "Templates",
        "EntityMaps",
    ] {
        x.empty(section);
    }
    x.open("EntityRelationships");
    for relationship in &solution.relationships {
        self::relationship(&mut x, relationship);
    }
    x.close("EntityRelationships");
    x.empty("OrganizationSettings");
    x.open("optionsets");
    for choice in &solution.choices {
        global_choice(&mut x, choice);
    }
    x.close("optionsets");
    x.empty("CustomControls");
    x.empty("EntityDataProviders");
    languages(&mut x);
    x.close("ImportExportXml");
    vec![
        ("[Content_Types].xml".to_owned(), content_types()),
        ("customizations.xml".to_owned(), x.out),
        ("solution.xml".to_owned(), manifest(solution, false)),
    ]
}

/// The files of unpacked source, sorted by path.
pub fn unpacked(solution: &Solution) -> Vec<File> {
    let mut files = vec![
        ("Other/Solution.xml".to_owned(), manifest(solution, true)),
        (
            "Other/Customizations.xml".to_owned(),
            unpacked_customizations(),
        ),
    ];
    for table in &solution.tables {
        let dir = format!("Entities/{}", table.schema_name);
        let mut x = Xml::prologue();
        x.open(&format!("Entity {XSI}"));
        entity_name(&mut x, table);
        entity_info(&mut x, table);
        x.close("Entity");
        files.push((format!("{dir}/Entity.xml"), x.out));

        let mut bulk = bulk_rng(solution, table);
        for i in 0..solution.forms {
            let id = own_id(solution, table, "form", i);
            let mut x = Xml::prologue();
            x.open(&format!("forms {XSI}"));
            system_form(&mut x, table, &id, &mut bulk);
            x.close("forms");
            files.push((format!("{dir}/FormXml/main/{id}.xml"), x.out));
        }
        for i in 0..solution.views {
            let id = own_id(solution, table, "view", i);
            let mut x = Xml::prologue();
            x.open(&format!("savedqueries {XSI}"));
            view(&mut x, table, i, &id, &mut bulk);
            x.close("savedqueries");
            files.push((format!("{dir}/SavedQueries/{id}.xml"), x.out));
        }
        let mut x = Xml::prologue();
        ribbon(&mut x, table);
        files.push((format!("{dir}/RibbonDiff.xml"), x.out));
    }
    for choice in &solution.choices {
        let mut x = Xml::prologue();
        global_choice_body(&mut x, choice, true);
        files.push((format!("OptionSets/{}.xml", choice.name), x.out));
    }
    let mut index = Xml::prologue();
    index.open(&format!("EntityRelationships {XSI}"));
    let mut by_table: std::collections::BTreeMap<&str, Vec<&Relationship>> = Default::default();
    for relationship in &solution.relationships {
        index.empty(&format!(
            "EntityRelationship Name=\"{}\"",
            escape(&relationship.name)
        ));
        by_table
            .entry(&relationship.referenced)
            .or_default()
            .push(relationship);
    }
    index.close("EntityRelationships");
    files.push(("Other/Relationships.xml".to_owned(), index.out));
    for (table, relationships) in by_table {
        let mut x = Xml::prologue();
        x.open(&format!("EntityRelationships {XSI}"));
        for relationship in relationships {
            self::relationship(&mut x, relationship);
        }
        x.close("EntityRelationships");
        files.push((format!("Other/Relationships/{table}.xml"), x.out));
    }
    files.sort();
    files
}

/// A layout of the whitespace between elements, for [`reformat`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Whitespace {
    /// One element a line, each level indented by `width` spaces, or by `width`
    /// tabs when `tabs` (a width of 0 puts every line at the margin).
    Indent { width: usize, tabs: bool },
    /// The layout as rendered, with CRLF line ends.
    Crlf,
    /// No whitespace between elements: a file on as few lines as possible.
    Minified,
    /// The layout as rendered, with `n` blank lines before every element.
    BlankLines(usize),
    /// Between each two elements, a run drawn from `seed`: nothing, spaces,
    /// tabs, LF, CRLF, blank lines.
    Mixed(u64),
}

/// `text` (XML as this module renders it) with the whitespace between elements
/// laid out anew. Only runs of whitespace that hold a line break and lie between
/// two tags (or end the file) change: the text of an element, such as an empty
/// `<ActivityTypeMask></ActivityTypeMask>`, and attribute values stay as they
/// are, so the document means the same. The scan knows tags, not comments or
/// CDATA, which rendered files do not hold.
pub fn reformat(text: &str, style: Whitespace) -> String {
    let mut rng = match style {
        Whitespace::Mixed(seed) => Rng::new(seed),
        _ => Rng::new(0),
    };
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut depth = 0usize;
    let mut rest = text;
    while !rest.is_empty() {
        if rest.starts_with('<') {
            let end = rest.find('>').map_or(rest.len(), |i| i + 1);
            let tag = &rest[..end];
            if tag.starts_with("</") {
                depth = depth.saturating_sub(1);
            } else if !tag.starts_with("<?") && !tag.starts_with("<!") && !tag.ends_with("/>") {
                depth += 1;
            }
            out.push_str(tag);
            rest = &rest[end..];
            continue;
        }
        let end = rest.find('<').unwrap_or(rest.len());
        let run = &rest[..end];
        let after_tag = out.ends_with('>');
        if after_tag && run.contains('\n') && run.chars().all(char::is_whitespace) {
            // The depth of what follows: a closing tag is one level out.
            let next = &rest[end..];
            let level = if next.starts_with("</") {
                depth.saturating_sub(1)
            } else {
                depth
            };
            gap(&mut out, run, level, next.is_empty(), style, &mut rng);
        } else {
            out.push_str(run);
        }
        rest = &rest[end..];
    }
    out
}

fn gap(out: &mut String, run: &str, level: usize, last: bool, style: Whitespace, rng: &mut Rng) {
    match style {
        Whitespace::Indent { width, tabs } => {
            out.push('\n');
            if !last {
                let unit = if tabs { "\t" } else { " " };
                out.push_str(&unit.repeat(width * level));
            }
        }
        Whitespace::Crlf => out.push_str(&run.replace('\n', "\r\n")),
        Whitespace::Minified => {}
        Whitespace::BlankLines(n) => {
            if !last {
                out.push_str(&"\n".repeat(n));
            }
            out.push_str(run);
        }
        Whitespace::Mixed(_) => {
            const RUNS: &[&str] = &[
                "",
                " ",
                "\t",
                "\n",
                "\r\n",
                "\n\n   ",
                "\r\n\r\n\t ",
                "  \n\t\t",
            ];
            let run = *rng.pick::<&str>(RUNS);
            out.push_str(run);
        }
    }
}

/// The bulk of each table (the GUIDs inside its forms and views: tabs, sections,
/// cells, handlers; and view column widths) is drawn from its own stream, so a
/// table that did not change between versions has the same forms and views in
/// both. A table whose columns changed draws from it differently, which is fine
/// for the bulk but not for the ids of the forms and views: see [`own_id`].
fn bulk_rng(solution: &Solution, table: &Table) -> Rng {
    Rng::new(solution.bulk_seed ^ fnv(&table.schema_name))
}

/// The id (`formid`, `savedqueryid`) of form or view `index` of `table`, from a
/// stream of its own named by the table's schema name, the kind (`form`, `view`)
/// and the position. It does not depend on the table's columns or on the order
/// of tables, so a form or view keeps its id in every version and every
/// [`Solution::shuffled`] order, as in Dataverse, where a view keeps its GUID:
/// a next version never seems to delete a view and add another.
fn own_id(solution: &Solution, table: &Table, kind: &str, index: usize) -> String {
    let key = format!("{}/{kind}/{index}", table.schema_name);
    Rng::new(solution.bulk_seed ^ fnv(&key)).guid()
}

/// 64-bit FNV-1a.
fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[derive(Default)]
struct Xml {
    out: String,
    depth: usize,
}

impl Xml {
    fn prologue() -> Self {
        Self {
            out: PROLOGUE.to_owned(),
            depth: 0,
        }
    }

    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
    }

    /// `<tag attrs>` on its own line; what follows is nested.
    fn open(&mut self, tag: &str) {
        self.indent();
        self.out.push('<');
        self.out.push_str(tag);
        self.out.push_str(">\n");
        self.depth += 1;
    }

    fn close(&mut self, name: &str) {
        self.depth -= 1;
        self.indent();
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    /// `<name>text</name>`.
    fn leaf(&mut self, name: &str, text: &str) {
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        self.out.push('>');
        self.out.push_str(&escape(text));
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    /// `<tag attrs />`.
    fn empty(&mut self, tag: &str) {
        self.indent();
        self.out.push('<');
        self.out.push_str(tag);
        self.out.push_str(" />\n");
    }

    /// A `<labels>`-style list with one English label.
    fn labels(&mut self, list: &str, item: &str, description: &str) {
        self.open(list);
        self.empty(&format!(
            "{item} description=\"{}\" languagecode=\"1033\"",
            escape(description)
        ));
        self.close(list);
    }
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

fn content_types() -> String {
    concat!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>",
        "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">",
        "<Default Extension=\"xml\" ContentType=\"application/octet-stream\" />",
        "</Types>"
    )
    .to_owned()
}

fn manifest(solution: &Solution, prologue: bool) -> String {
    let mut x = if prologue {
        Xml::prologue()
    } else {
        Xml::default()
    };
    x.open(&format!(
        "ImportExportXml version=\"9.2.24012.198\" SolutionPackageVersion=\"9.2\" \
         languagecode=\"1033\" generatedBy=\"CrmLive\" {XSI}"
    ));
    x.open("SolutionManifest");
    x.leaf("UniqueName", &solution.unique_name);
    x.labels("LocalizedNames", "LocalizedName", "Generated Enterprise");
    x.labels(
        "Descriptions",
        "Description",
        "A generated solution of enterprise size",
    );
    x.leaf("Version", &solution.version);
    x.leaf("Managed", "1");
    x.open("Publisher");
    x.leaf("UniqueName", &solution.publisher);
    x.labels("LocalizedNames", "LocalizedName", "Generated Publisher");
    x.empty("Descriptions");
    x.leaf("CustomizationPrefix", &solution.prefix);
    x.leaf("CustomizationOptionValuePrefix", "10000");
    x.close("Publisher");
    x.open("RootComponents");
    for table in &solution.tables {
        x.empty(&format!(
            "RootComponent type=\"1\" schemaName=\"{}\" behavior=\"0\"",
            table.logical_name()
        ));
    }
    for choice in &solution.choices {
        x.empty(&format!(
            "RootComponent type=\"9\" schemaName=\"{}\" behavior=\"0\"",
            choice.name
        ));
    }
    x.close("RootComponents");
    x.empty("MissingDependencies");
    x.close("SolutionManifest");
    x.close("ImportExportXml");
    x.out
}

fn unpacked_customizations() -> String {
    let mut x = Xml::prologue();
    x.open(&format!("ImportExportXml {XSI}"));
    for section in [
        "Entities",
        "Roles",
        "Workflows",
        "FieldSecurityProfiles",
        "Templates",
        "EntityMaps",
        "EntityRelationships",
        "OrganizationSettings",
        "optionsets",
        "CustomControls",
        "EntityDataProviders",
    ] {
        x.empty(section);
    }
    languages(&mut x);
    x.close("ImportExportXml");
    x.out
}

fn languages(x: &mut Xml) {
    x.open("Languages");
    x.leaf("Language", "1033");
    x.close("Languages");
}

fn entity_name(x: &mut Xml, table: &Table) {
    x.indent();
    x.out.push_str(&format!(
        "<Name LocalizedName=\"{0}\" OriginalName=\"{0}\">{1}</Name>\n",
        escape(&table.display),
        table.schema_name
    ));
}

fn entity_info(x: &mut Xml, table: &Table) {
    x.open("EntityInfo");
    x.open(&format!("entity Name=\"{}\"", table.schema_name));
    x.labels("LocalizedNames", "LocalizedName", &table.display);
    x.labels(
        "LocalizedCollectionNames",
        "LocalizedCollectionName",
        &format!("{}s", table.display),
    );
    x.labels("Descriptions", "Description", "");
    x.open("attributes");
    // Exports list a table's columns sorted by logical name: so do all 99 lists of
    // two columns or more in ../shared/corpus's customizations.xml and Entity.xml.
    let mut columns: Vec<(String, &Column)> = table
        .columns
        .iter()
        .map(|column| (column.logical_name(), column))
        .collect();
    columns.sort_by(|a, b| a.0.cmp(&b.0));
    for (_, column) in columns {
        attribute(x, table, column);
    }
    x.close("attributes");
    x.leaf("EntitySetName", &format!("{}s", table.logical_name()));
    for (name, value) in [
        ("IsDuplicateCheckSupported", "0"),
        ("IsBusinessProcessEnabled", "0"),
        ("IsRequiredOffline", "0"),
        ("IsInteractionCentricEnabled", "0"),
        ("IsCollaboration", "0"),
        ("AutoRouteToOwnerQueue", "0"),
        ("IsConnectionsEnabled", "1"),
        ("IsDocumentManagementEnabled", "0"),
        ("AutoCreateAccessTeams", "0"),
        ("IsOneNoteIntegrationEnabled", "0"),
        ("IsKnowledgeManagementEnabled", "0"),
        ("IsSLAEnabled", "0"),
        ("IsDocumentRecommendationsEnabled", "0"),
        ("IsBPFEntity", "0"),
        ("OwnershipTypeMask", "UserOwned"),
        ("IsAuditEnabled", "1"),
        ("IsRetrieveAuditEnabled", "0"),
        ("IsRetrieveMultipleAuditEnabled", "0"),
        ("IsActivity", "0"),
        ("ActivityTypeMask", ""),
        ("IsActivityParty", "0"),
        ("IsReplicated", "0"),
        ("IsReplicationUserFiltered", "0"),
        ("IsMailMergeEnabled", "1"),
        ("IsVisibleInMobile", "0"),
        ("IsVisibleInMobileClient", "1"),
        ("IsReadOnlyInMobileClient", "0"),
        ("IsOfflineInMobileClient", "0"),
        ("DaysSinceRecordLastModified", "0"),
        ("MobileOfflineFilters", ""),
        ("IsMapiGridEnabled", "1"),
        ("IsReadingPaneEnabled", "1"),
        ("IsQuickCreateEnabled", "1"),
        ("SyncToExternalSearchIndex", "0"),
        ("IntroducedVersion", "1.0.0.0"),
        ("IsCustomizable", "1"),
        ("IsRenameable", "1"),
        ("IsMappable", "1"),
        ("CanModifyAuditSettings", "1"),
        ("CanModifyMobileVisibility", "1"),
        ("CanModifyMobileClientVisibility", "1"),
        ("CanModifyMobileClientReadOnly", "1"),
        ("CanModifyMobileClientOffline", "1"),
        ("CanModifyConnectionSettings", "1"),
        ("CanModifyDuplicateDetectionSettings", "1"),
        ("CanModifyMailMergeSettings", "1"),
        ("CanModifyQueueSettings", "1"),
        ("CanCreateAttributes", "1"),
        ("CanCreateForms", "1"),
        ("CanCreateCharts", "1"),
        ("CanCreateViews", "1"),
        ("CanModifyAdditionalSettings", "1"),
        ("CanEnableSyncToExternalSearchIndex", "1"),
        ("EnforceStateTransitions", "0"),
        ("CanChangeHierarchicalRelationship", "1"),
        ("EntityHelpUrlEnabled", "0"),
        ("ChangeTrackingEnabled", "1"),
        ("CanChangeTrackingBeEnabled", "1"),
        ("IsEnabledForExternalChannels", "0"),
        ("HasRelatedNotes", "True"),
        ("HasRelatedActivities", "True"),
    ] {
        x.leaf(name, value);
    }
    x.close("entity");
    x.close("EntityInfo");
}

fn attribute(x: &mut Xml, table: &Table, column: &Column) {
    x.open(&format!(
        "attribute PhysicalName=\"{}\"",
        column.schema_name
    ));
    x.leaf("Type", column.kind.type_name());
    x.leaf("Name", &column.logical_name());
    x.leaf("LogicalName", &column.logical_name());
    let required = match column.kind {
        Kind::PrimaryKey | Kind::State => "systemrequired",
        Kind::PrimaryName { .. } => "required",
        _ => "none",
    };
    x.leaf("RequiredLevel", required);
    let mask = match column.kind {
        Kind::PrimaryName { .. } => {
            "PrimaryName|ValidForAdvancedFind|ValidForForm|ValidForGrid|RequiredForForm"
        }
        Kind::PrimaryKey => "ValidForAdvancedFind|RequiredForGrid",
        _ => "ValidForAdvancedFind|ValidForForm|ValidForGrid",
    };
    x.leaf("DisplayMask", mask);
    x.leaf("ImeMode", "auto");
    for (name, value) in [
        ("ValidForUpdateApi", "1"),
        ("ValidForReadApi", "1"),
        ("ValidForCreateApi", "1"),
        ("IsCustomField", if column.custom { "1" } else { "0" }),
        ("IsAuditEnabled", "1"),
        ("IsSecured", "0"),
        ("IntroducedVersion", "1.0.0.0"),
        ("IsCustomizable", "1"),
        ("IsRenameable", "1"),
        ("CanModifySearchSettings", "1"),
        ("CanModifyRequirementLevelSettings", "1"),
        ("CanModifyAdditionalSettings", "1"),
        ("SourceType", "0"),
        ("IsGlobalFilterEnabled", "0"),
        ("IsSortableEnabled", "0"),
        ("CanModifyGlobalFilterSettings", "1"),
        ("CanModifyIsSortableSettings", "1"),
        ("IsDataSourceSecret", "0"),
        ("AutoNumberFormat", ""),
        ("IsSearchable", "1"),
        ("IsFilterable", "0"),
        ("IsRetrievable", "1"),
        ("IsLocalizable", "0"),
    ] {
        x.leaf(name, value);
    }
    match &column.kind {
        Kind::PrimaryName { max_length } | Kind::Text { max_length } => {
            x.leaf("Format", "text");
            x.leaf("MaxLength", &max_length.to_string());
            x.leaf("Length", &(max_length * 2).to_string());
        }
        Kind::Memo => {
            x.leaf("Format", "textarea");
            x.leaf("MaxLength", "2000");
        }
        Kind::Int => {
            x.leaf("Format", "none");
            x.leaf("MinValue", "-2147483648");
            x.leaf("MaxValue", "2147483647");
        }
        Kind::Decimal => {
            x.leaf("MinValue", "-100000000000");
            x.leaf("MaxValue", "100000000000");
            x.leaf("Accuracy", "2");
        }
        Kind::Money => {
            x.leaf("MinValue", "-922337203685477");
            x.leaf("MaxValue", "922337203685477");
            x.leaf("Accuracy", "2");
            x.leaf("AccuracySource", "2");
        }
        Kind::MoneyBase { of } => {
            x.leaf("Accuracy", "4");
            x.leaf("AccuracySource", "2");
            x.leaf("CalculationOf", of);
        }
        Kind::Bool => {
            x.leaf("AppDefaultValue", "0");
            x.open("optionset Name=\"boolean\"");
            x.leaf("OptionSetType", "bit");
            x.labels("displaynames", "displayname", &column.display);
            x.empty("Descriptions");
            x.open("options");
            for (value, label) in [("1", "Yes"), ("0", "No")] {
                x.open(&format!("option value=\"{value}\" ExternalValue=\"\""));
                x.labels("labels", "label", label);
                x.close("option");
            }
            x.close("options");
            x.close("optionset");
        }
        Kind::DateTime => {
            x.leaf("Format", "datetime");
            x.leaf("CanChangeDateTimeBehavior", "0");
            x.leaf("Behavior", "1");
        }
        Kind::Lookup => {
            x.leaf("LookupStyle", "single");
            x.empty("LookupTypes");
        }
        Kind::LocalChoice { options } => {
            x.leaf("AppDefaultValue", "-1");
            for choice in options {
                x.open(&format!("optionset Name=\"{}\"", choice.name));
                choice_body(x, choice, false);
                x.close("optionset");
            }
        }
        Kind::GlobalChoice { name } => {
            x.leaf("AppDefaultValue", "-1");
            x.leaf("OptionSetName", name);
        }
        Kind::State => status_options(x, table, true),
        Kind::Status => status_options(x, table, false),
        Kind::PrimaryKey => {}
    }
    x.labels("displaynames", "displayname", &column.display);
    x.labels("Descriptions", "Description", "");
    x.close("attribute");
}

fn status_options(x: &mut Xml, table: &Table, state: bool) {
    let (kind, list, item) = if state {
        ("state", "states", "state")
    } else {
        ("status", "statuses", "status")
    };
    x.open(&format!(
        "optionset Name=\"{}_{}code\"",
        table.logical_name(),
        kind
    ));
    x.leaf("OptionSetType", kind);
    x.leaf("IntroducedVersion", "1.0.0.0");
    x.leaf("IsCustomizable", "1");
    x.labels("displaynames", "displayname", "Status");
    x.labels("Descriptions", "Description", "");
    x.open(list);
    for (value, label) in [(0, "Active"), (1, "Inactive")] {
        if state {
            x.open(&format!(
                "state value=\"{value}\" defaultstatus=\"{}\" invariantname=\"{label}\"",
                value + 1
            ));
        } else {
            x.open(&format!("status value=\"{}\" state=\"{value}\"", value + 1));
        }
        x.labels("labels", "label", label);
        x.close(item);
    }
    x.close(list);
    x.close("optionset");
}

fn global_choice(x: &mut Xml, choice: &Choice) {
    global_choice_body(x, choice, false);
}

fn global_choice_body(x: &mut Xml, choice: &Choice, own_file: bool) {
    let xsi = if own_file {
        format!(" {XSI}")
    } else {
        String::new()
    };
    x.open(&format!(
        "optionset Name=\"{}\" localizedName=\"{}\"{xsi}",
        choice.name,
        escape(&choice.display)
    ));
    choice_body(x, choice, true);
    x.close("optionset");
}

fn choice_body(x: &mut Xml, choice: &Choice, global: bool) {
    x.leaf("OptionSetType", "picklist");
    x.leaf("IsGlobal", if global { "1" } else { "0" });
    x.leaf("IntroducedVersion", "1.0.0.0");
    x.leaf("IsCustomizable", "1");
    x.labels("displaynames", "displayname", &choice.display);
    x.labels("Descriptions", "Description", "");
    x.open("options");
    for (value, label) in &choice.options {
        x.open(&format!(
            "option value=\"{value}\" ExternalValue=\"\" IsHidden=\"0\""
        ));
        x.labels("labels", "label", label);
        x.close("option");
    }
    x.close("options");
}

fn relationship(x: &mut Xml, relationship: &Relationship) {
    x.open(&format!(
        "EntityRelationship Name=\"{}\"",
        escape(&relationship.name)
    ));
    for (name, value) in [
        ("EntityRelationshipType", "OneToMany"),
        ("IsCustomizable", "1"),
        ("IntroducedVersion", "1.0.0.0"),
        ("IsHierarchical", "0"),
        ("ReferencingEntityName", relationship.referencing.as_str()),
        ("ReferencedEntityName", relationship.referenced.as_str()),
        ("CascadeAssign", "NoCascade"),
        ("CascadeDelete", "RemoveLink"),
        ("CascadeReparent", "NoCascade"),
        ("CascadeShare", "NoCascade"),
        ("CascadeUnshare", "NoCascade"),
        ("CascadeRollupView", "NoCascade"),
        ("IsValidForAdvancedFind", "1"),
        ("ReferencingAttributeName", relationship.lookup.as_str()),
    ] {
        x.leaf(name, value);
    }
    x.open("RelationshipDescription");
    x.labels("Descriptions", "Description", "");
    x.close("RelationshipDescription");
    x.open("EntityRelationshipRoles");
    x.open("EntityRelationshipRole");
    x.leaf("NavPaneDisplayOption", "UseCollectionName");
    x.leaf("NavPaneArea", "Details");
    x.leaf("NavPaneOrder", "10000");
    x.leaf("NavigationPropertyName", &relationship.lookup);
    x.leaf("RelationshipRoleType", "1");
    x.close("EntityRelationshipRole");
    x.open("EntityRelationshipRole");
    x.leaf("NavigationPropertyName", &relationship.name);
    x.leaf("RelationshipRoleType", "0");
    x.close("EntityRelationshipRole");
    x.close("EntityRelationshipRoles");
    x.close("EntityRelationship");
}

/// The control class of a column on a form, by type (the ids real forms carry).
fn control_class(kind: &Kind) -> &'static str {
    match kind {
        Kind::Lookup => "{270BD3DB-D9AF-4782-9025-509E298DEC0A}",
        Kind::DateTime => "{5B773807-9FB2-42db-97C3-7A91EFF8ADFF}",
        Kind::LocalChoice { .. } | Kind::GlobalChoice { .. } | Kind::State | Kind::Status => {
            "{3EF39988-22BB-4f0b-BBBE-64B5A3748AEE}"
        }
        Kind::Memo => "{E0DECE4B-6FC8-4a8f-A065-082708572369}",
        Kind::Money | Kind::MoneyBase { .. } => "{533B9E00-756B-4312-95A0-DC888637AC78}",
        Kind::Int => "{C6D124CA-7EDA-4a60-AEA9-7FB8D318B68F}",
        Kind::Decimal => "{C3EFE0C3-0EC6-42be-8349-CBD9079DFD8E}",
        Kind::Bool => "{67FAC785-CD58-4f9f-ABB3-4B7DDC6ED5ED}",
        _ => "{4273EDBD-AC1D-40d3-9FB2-095C621B552D}",
    }
}

fn forms(x: &mut Xml, solution: &Solution, table: &Table, bulk: &mut Rng) {
    x.open("forms type=\"main\"");
    for i in 0..solution.forms {
        system_form(x, table, &own_id(solution, table, "form", i), bulk);
    }
    x.close("forms");
}

/// One main form with id `id` showing every column, four to a section.
fn system_form(x: &mut Xml, table: &Table, id: &str, bulk: &mut Rng) {
    x.open("systemform");
    x.leaf("formid", id);
    x.leaf("IntroducedVersion", "1.0.0.0");
    x.leaf("FormPresentation", "1");
    x.leaf("FormActivationState", "1");
    x.open("form headerdensity=\"HighWithControls\"");
    x.open("tabs");
    for (t, tab_columns) in table.columns.chunks(12).enumerate() {
        x.open(&format!(
            "tab name=\"tab_{t}\" verticallayout=\"true\" id=\"{}\" IsUserDefined=\"1\" showlabel=\"true\" expanded=\"true\"",
            bulk.guid()
        ));
        x.labels("labels", "label", &format!("{} {t}", table.display));
        x.open("columns");
        x.open("column width=\"100%\"");
        x.open("sections");
        for (s, section_columns) in tab_columns.chunks(4).enumerate() {
            x.open(&format!(
                "section name=\"tab_{t}_section_{s}\" showlabel=\"false\" showbar=\"false\" columns=\"1\" IsUserDefined=\"0\" id=\"{}\"",
                bulk.guid()
            ));
            x.labels("labels", "label", "Section");
            x.open("rows");
            for column in section_columns {
                x.open("row");
                x.open(&format!(
                    "cell id=\"{}\" showlabel=\"true\" locklevel=\"0\"",
                    bulk.guid()
                ));
                x.labels("labels", "label", &column.display);
                x.empty(&format!(
                    "control id=\"{0}\" classid=\"{1}\" datafieldname=\"{0}\" disabled=\"false\" uniqueid=\"{2}\"",
                    column.logical_name(),
                    control_class(&column.kind),
                    bulk.guid()
                ));
                x.close("cell");
                x.close("row");
            }
            x.close("rows");
            x.close("section");
        }
        x.close("sections");
        x.close("column");
        x.close("columns");
        x.close("tab");
    }
    x.close("tabs");
    x.open("events");
    x.open("event name=\"onload\" application=\"false\" active=\"false\"");
    x.open("Handlers");
    x.empty(&format!(
        "Handler functionName=\"Generated.{}.onLoad\" libraryName=\"gen_/scripts/{}.js\" handlerUniqueId=\"{}\" enabled=\"true\" parameters=\"\" passExecutionContext=\"true\"",
        table.display,
        table.logical_name(),
        bulk.guid()
    ));
    x.close("Handlers");
    x.close("event");
    x.close("events");
    x.open("formLibraries");
    x.empty(&format!(
        "Library name=\"gen_/scripts/{}.js\" libraryUniqueId=\"{}\"",
        table.logical_name(),
        bulk.guid()
    ));
    x.close("formLibraries");
    x.empty("DisplayConditions Order=\"0\" FallbackForm=\"true\"");
    x.close("form");
    x.leaf("IsCustomizable", "1");
    x.leaf("CanBeDeleted", "1");
    x.labels("LocalizedNames", "LocalizedName", "Information");
    x.labels("Descriptions", "Description", "A form for this entity.");
    x.close("systemform");
}

/// View (saved query) `index` of the table, with id `id`, over a few of its columns.
fn view(x: &mut Xml, table: &Table, index: usize, id: &str, bulk: &mut Rng) {
    let logical = table.logical_name();
    let key = format!("{logical}id");
    let shown: Vec<String> = table
        .columns
        .iter()
        .skip(1 + index % 3)
        .step_by(3)
        .take(6)
        .map(Column::logical_name)
        .collect();
    x.open("savedquery");
    x.leaf("IsCustomizable", "1");
    x.leaf("CanBeDeleted", if index == 0 { "0" } else { "1" });
    x.leaf("isquickfindquery", if index == 1 { "1" } else { "0" });
    x.leaf("isprivate", "0");
    x.leaf("isdefault", if index == 0 { "1" } else { "0" });
    x.leaf("savedqueryid", id);
    x.open("layoutxml");
    x.open(&format!(
        "grid name=\"resultset\" jump=\"{}\" select=\"1\" icon=\"1\" preview=\"1\"",
        shown.first().map_or("", String::as_str)
    ));
    x.open(&format!("row name=\"result\" id=\"{key}\""));
    for column in &shown {
        x.empty(&format!(
            "cell name=\"{column}\" width=\"{}\"",
            100 + 25 * bulk.below(5)
        ));
    }
    x.close("row");
    x.close("grid");
    x.close("layoutxml");
    x.leaf("querytype", if index == 1 { "4" } else { "0" });
    x.open("fetchxml");
    x.open("fetch version=\"1.0\" mapping=\"logical\"");
    x.open(&format!("entity name=\"{logical}\""));
    for column in &shown {
        x.empty(&format!("attribute name=\"{column}\""));
    }
    x.empty(&format!("attribute name=\"{key}\""));
    if let Some(first) = shown.first() {
        x.empty(&format!("order attribute=\"{first}\" descending=\"false\""));
    }
    x.open("filter type=\"and\"");
    x.empty("condition attribute=\"statecode\" operator=\"eq\" value=\"0\"");
    x.close("filter");
    x.close("entity");
    x.close("fetch");
    x.close("fetchxml");
    x.leaf("IntroducedVersion", "1.0.0.0");
    x.labels(
        "LocalizedNames",
        "LocalizedName",
        &format!("View {index} of {}", table.display),
    );
    x.labels("Descriptions", "Description", "");
    x.close("savedquery");
}

fn ribbon(x: &mut Xml, table: &Table) {
    let logical = table.logical_name();
    x.open("RibbonDiffXml");
    x.open("CustomActions");
    for button in 0..2 {
        let id = format!("gen.{logical}.Button{button}");
        x.open(&format!(
            "CustomAction Id=\"{id}.CustomAction\" Location=\"Mscrm.Form.{logical}.MainTab.Save.Controls._children\" Sequence=\"{}\"",
            10 + button
        ));
        x.open("CommandUIDefinition");
        x.empty(&format!(
            "Button Alt=\"$LocLabels:{id}.Alt\" Command=\"gen.{logical}.Command{button}\" Id=\"{id}\" LabelText=\"$LocLabels:{id}.LabelText\" Sequence=\"{}\" TemplateAlias=\"o1\" ToolTipTitle=\"$LocLabels:{id}.ToolTipTitle\" ToolTipDescription=\"$LocLabels:{id}.ToolTipDescription\" ModernImage=\"Flow\"",
            10 + button
        ));
        x.close("CommandUIDefinition");
        x.close("CustomAction");
    }
    x.close("CustomActions");
    x.open("Templates");
    x.open("RibbonTemplates Id=\"Mscrm.Templates\"");
    x.close("RibbonTemplates");
    x.close("Templates");
    x.open("CommandDefinitions");
    for button in 0..2 {
        x.open(&format!(
            "CommandDefinition Id=\"gen.{logical}.Command{button}\""
        ));
        x.open("EnableRules");
        x.empty(&format!(
            "EnableRule Id=\"gen.{logical}.EnableRule{button}\""
        ));
        x.close("EnableRules");
        x.empty("DisplayRules");
        x.open("Actions");
        x.open(&format!(
            "JavaScriptFunction FunctionName=\"Generated.{}.command{button}\" Library=\"$webresource:gen_/scripts/{logical}.js\"",
            table.display
        ));
        x.empty("CrmParameter Value=\"PrimaryControl\"");
        x.close("JavaScriptFunction");
        x.close("Actions");
        x.close("CommandDefinition");
    }
    x.close("CommandDefinitions");
    x.open("RuleDefinitions");
    x.empty("TabDisplayRules");
    x.empty("DisplayRules");
    x.open("EnableRules");
    for button in 0..2 {
        x.open(&format!(
            "EnableRule Id=\"gen.{logical}.EnableRule{button}\""
        ));
        x.empty("FormStateRule State=\"Create\" InvertResult=\"true\"");
        x.close("EnableRule");
    }
    x.close("EnableRules");
    x.close("RuleDefinitions");
    x.open("LocLabels");
    for button in 0..2 {
        for part in ["Alt", "LabelText", "ToolTipTitle", "ToolTipDescription"] {
            x.open(&format!(
                "LocLabel Id=\"gen.{logical}.Button{button}.{part}\""
            ));
            x.open("Titles");
            x.empty(&format!(
                "Title description=\"{} {part} {button}\" languagecode=\"1033\"",
                table.display
            ));
            x.close("Titles");
            x.close("LocLabel");
        }
    }
    x.close("LocLabels");
    x.close("RibbonDiffXml");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Changes, Spec};
    use std::collections::{BTreeMap, BTreeSet};

    fn files() -> Vec<File> {
        let solution = Solution::generate(&Spec {
            tables: 3,
            columns: 6,
            global_choices: 2,
            forms: 1,
            views: 1,
            ..Spec::default()
        });
        let mut files = export(&solution);
        files.extend(unpacked(&solution));
        files
    }

    /// The text with every whitespace run between two tags taken out.
    fn tight(text: &str) -> String {
        let mut out = String::new();
        for (i, piece) in text.split('<').enumerate() {
            if i > 0 {
                out.push('<');
            }
            match piece.split_once('>') {
                Some((tag, run)) if run.trim().is_empty() => {
                    out.push_str(tag);
                    out.push('>');
                }
                _ => out.push_str(piece),
            }
        }
        out
    }

    #[test]
    fn an_indent_of_two_spaces_is_the_rendered_layout() {
        for (name, text) in files() {
            let again = reformat(
                &text,
                Whitespace::Indent {
                    width: 2,
                    tabs: false,
                },
            );
            assert_eq!(again, text, "{name}");
        }
    }

    #[test]
    fn reformatting_changes_only_the_whitespace_between_elements() {
        for (name, text) in files() {
            for style in [
                Whitespace::Indent {
                    width: 1,
                    tabs: true,
                },
                Whitespace::Indent {
                    width: 0,
                    tabs: false,
                },
                Whitespace::Crlf,
                Whitespace::Minified,
                Whitespace::BlankLines(2),
                Whitespace::Mixed(7),
            ] {
                let again = reformat(&text, style);
                assert_eq!(tight(&again), tight(&text), "{name}, {style:?}");
                match style {
                    Whitespace::Minified => assert!(!again.contains('\n'), "{name}"),
                    Whitespace::Crlf => {
                        assert_eq!(again.matches("\r\n").count(), text.matches('\n').count())
                    }
                    _ => {}
                }
            }
        }
    }

    /// The text of every `<tag>…</tag>` in `text`, in order.
    fn leaves(text: &str, tag: &str) -> Vec<String> {
        let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
        let mut found = Vec::new();
        let mut rest = text;
        while let Some(start) = rest.find(&open) {
            rest = &rest[start + open.len()..];
            let end = rest.find(&close).expect("a leaf closes");
            found.push(rest[..end].to_owned());
            rest = &rest[end..];
        }
        found
    }

    /// Form ids and view ids, in order, of each table.
    type Ids = BTreeMap<String, (Vec<String>, Vec<String>)>;

    /// The ids of the exported `customizations.xml`, table by table.
    fn exported_ids(solution: &Solution) -> Ids {
        let files = export(solution);
        let (_, text) = files
            .iter()
            .find(|(name, _)| name == "customizations.xml")
            .expect("an export has customizations.xml");
        let mut ids = Ids::new();
        for entity in text.split("<Entity>").skip(1) {
            let name = &entity[..entity.find("</Name>").expect("an entity is named")];
            let name = &name[name.rfind('>').expect("a name element") + 1..];
            let ids = ids.entry(name.to_owned()).or_default();
            ids.0 = leaves(entity, "formid");
            ids.1 = leaves(entity, "savedqueryid");
        }
        ids
    }

    /// The ids of unpacked source, table by table, from the file names; each
    /// file holds the one form or view its name says.
    fn unpacked_ids(solution: &Solution) -> Ids {
        let mut ids = Ids::new();
        for table in &solution.tables {
            ids.insert(table.schema_name.clone(), Default::default());
        }
        for (name, text) in unpacked(solution) {
            let Some(rest) = name.strip_prefix("Entities/") else {
                continue;
            };
            let (table, file) = rest.split_once('/').expect("a table folder");
            let ids = ids.get_mut(table).expect("a folder of a table");
            let (list, tag, file) = if let Some(file) = file.strip_prefix("FormXml/main/") {
                (&mut ids.0, "formid", file)
            } else if let Some(file) = file.strip_prefix("SavedQueries/") {
                (&mut ids.1, "savedqueryid", file)
            } else {
                continue;
            };
            let id = file.strip_suffix(".xml").expect("an xml file");
            assert_eq!(leaves(&text, tag), [id], "{name}");
            list.push(id.to_owned());
        }
        // Files are sorted by path; the ids a table has are what matters here.
        for (forms, views) in ids.values_mut() {
            forms.sort();
            views.sort();
        }
        ids
    }

    fn sorted(ids: &Ids) -> Ids {
        let mut ids = ids.clone();
        for (forms, views) in ids.values_mut() {
            forms.sort();
            views.sort();
        }
        ids
    }

    /// A release and its next version with columns removed (and, by hand, a
    /// table dropped, which `next_version` never does): each table in both has
    /// the same forms and views, by id, in both renderings, in any order; the
    /// dropped table's ids are nowhere in the next version.
    #[test]
    fn a_table_keeps_its_form_and_view_ids_across_versions() {
        let spec = Spec {
            tables: 8,
            columns: 20,
            forms: 3,
            views: 6,
            ..Spec::default()
        };
        let base = Solution::generate(&spec);
        let changes = Changes {
            remove_columns: 12,
            change_types: 2,
            ..Changes::default()
        };
        let (mut next, _) = base.next_version(&changes, 3);
        let dropped = next.tables.remove(2);

        let before = exported_ids(&base);
        let after = exported_ids(&next);
        assert_eq!(before.len(), spec.tables);
        let mut every = BTreeSet::new();
        for (forms, views) in before.values() {
            assert_eq!((forms.len(), views.len()), (spec.forms, spec.views));
            every.extend(forms.iter().chain(views));
        }
        assert_eq!(
            every.len(),
            spec.tables * (spec.forms + spec.views),
            "ids repeat"
        );

        // The removals changed what the forms of some tables hold, so the bulk
        // stream of those tables was drawn from differently.
        let changed: Vec<&Table> = next
            .tables
            .iter()
            .filter(|t| {
                let old = base.tables.iter().find(|b| b.schema_name == t.schema_name);
                old.is_some_and(|old| old.columns.len() != t.columns.len())
            })
            .collect();
        assert!(!changed.is_empty(), "no table lost a column");

        for table in &next.tables {
            let name = &table.schema_name;
            assert_eq!(after[name], before[name], "{name}, export");
        }
        assert!(!after.contains_key(&dropped.schema_name));
        let (forms, views) = &before[&dropped.schema_name];
        for (file, text) in export(&next).into_iter().chain(unpacked(&next)) {
            for id in forms.iter().chain(views) {
                assert!(
                    !file.contains(id.as_str()) && !text.contains(id.as_str()),
                    "{id} in {file}"
                );
            }
        }

        // Unpacked source names its files by the same ids.
        assert_eq!(unpacked_ids(&base), sorted(&before));
        assert_eq!(unpacked_ids(&next), sorted(&after));

        // Another order of tables and columns keeps every id.
        for seed in [1, 2, 3] {
            assert_eq!(
                exported_ids(&base.shuffled(seed)),
                before,
                "shuffled {seed}"
            );
            assert_eq!(exported_ids(&next.shuffled(seed)), after, "shuffled {seed}");
        }
    }
}
