<#-- The licence report of one module's runtime dependencies, one line per artifact, rendered by
     license-maven-plugin (add-third-party) from the licences in the artifacts' POMs after
     licenses/licence-names.txt and licenses/overrides.properties. Read by `make third-party`
     (licenses/ThirdPartyMarkdown.java) and by the cli module's ShippedLicencesIT.
     Columns (tab-separated): groupId:artifactId:version, licences (several = a choice, separated
     by " | "), name, url. -->
# licence report: groupId:artifactId:version	licences	name	url
<#list dependencyMap as e>
<#assign p = e.getKey()/>
${p.groupId}:${p.artifactId}:${p.version}	<#list e.getValue() as licence>${licence}<#sep> | </#sep></#list>	${(p.name!"")?replace("\t", " ")}	${p.url!""}
</#list>
