/** Resources held around builds and always released: the {@code Provisioner} extension point. */
package dev.inchworm.api.provision;
